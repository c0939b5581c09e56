// Progressive enhancement only: every page works without script.
document.addEventListener("DOMContentLoaded", () => {
  const slider = document.getElementById("scoreMinimum");
  const shown = document.getElementById("scoreMinimumValue");
  if (slider && shown) {
    slider.addEventListener("input", () => { shown.textContent = slider.value; });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  }
});
