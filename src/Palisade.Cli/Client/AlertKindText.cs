using Palisade.Core.Alerts;

namespace Palisade.Cli.Client;

/// <summary>How an alert kind is called on the command line (<c>ip-alert</c>), on the wire (path, body field) and in human output.</summary>
internal sealed record AlertKindText(AlertTargetKind Kind, string Command, string Path, string Field, string Column, string What);
