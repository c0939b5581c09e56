using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Palisade.Cli.Sensor;

/// <summary>A peer broke the SSH protocol (or sent more than the sensor accepts); the connection is closed.</summary>
internal sealed class SshProtocolException(string message) : Exception(message)
{
    public SshProtocolException()
        : this("SSH protocol violation")
    {
    }

    public SshProtocolException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>Writes SSH wire types (RFC 4251 §5).</summary>
internal sealed class SshWriter
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

    public SshWriter Byte(byte value)
    {
        _buffer.Write([value]);
        return this;
    }

    public SshWriter Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public SshWriter UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public SshWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public SshWriter String(ReadOnlySpan<byte> bytes) => UInt32((uint)bytes.Length).Raw(bytes);

    public SshWriter String(string text) => String(Encoding.UTF8.GetBytes(text));

    /// <summary>A non-negative multiple-precision integer given as unsigned big-endian bytes.</summary>
    public SshWriter MPInt(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var value = new BigInteger(unsignedBigEndian, isUnsigned: true, isBigEndian: true);
        return String(value.IsZero ? [] : value.ToByteArray(isUnsigned: false, isBigEndian: true));
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>Reads SSH wire types from one packet payload; a short or oversized field is a protocol violation.</summary>
internal sealed class SshReader(byte[] payload)
{
    private int _offset;

    public byte Byte() => _offset < payload.Length ? payload[_offset++] : throw new SshProtocolException("truncated packet");

    public bool Bool() => Byte() != 0;

    public uint UInt32()
    {
        if (_offset + 4 > payload.Length)
        {
            throw new SshProtocolException("truncated packet");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(_offset));
        _offset += 4;
        return value;
    }

    public byte[] String()
    {
        var length = UInt32();
        if (length > payload.Length - _offset)
        {
            throw new SshProtocolException("string longer than its packet");
        }

        var value = payload.AsSpan(_offset, (int)length).ToArray();
        _offset += (int)length;
        return value;
    }

    public string Text() => Encoding.UTF8.GetString(String());

    public string[] NameList() => Text().Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void Skip(int count)
    {
        if (_offset + count > payload.Length)
        {
            throw new SshProtocolException("truncated packet");
        }

        _offset += count;
    }
}
