// A minimal protobuf (proto3) wire codec for the few ChirpStack API messages osm-play sends and
// reads: varints, length-delimited fields (strings, nested messages) and repeated fields. Pure.
// Encoding rules: https://protobuf.dev/programming-guides/encoding/
// Proto3 leaves fields at their default (0, false, "") out of the wire, as this encoder does, so a
// message encodes to the same bytes as with protoc.

/** Wire types: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit (3 and 4, groups, are long gone). */
export type WireType = 0 | 1 | 2 | 5;

/** One field to encode; a field left at its proto3 default is omitted. */
export type ProtoField =
  | { no: number; kind: 'string'; value: string }
  | { no: number; kind: 'uint'; value: number }
  | { no: number; kind: 'bool'; value: boolean }
  | { no: number; kind: 'message'; value: Uint8Array | undefined };

/** A decoded field as it came on the wire: a varint, or raw bytes (length-delimited or fixed). */
export type WireValue = { wire: 0; value: bigint } | { wire: 1 | 2 | 5; bytes: Uint8Array };

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export function encodeVarint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) throw new ProtobufError(`cannot encode negative varint ${v}`);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** Reads a varint at pos: its value and the position after it. */
export function decodeVarint(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = buf[pos + i];
    if (byte === undefined) throw new ProtobufError(`truncated varint at byte ${pos}`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
}

function tag(no: number, wire: WireType): number[] {
  return encodeVarint((no << 3) | wire);
}

function lengthDelimited(no: number, bytes: Uint8Array): number[] {
  return [...tag(no, 2), ...encodeVarint(bytes.length), ...bytes];
}

/** The bytes of one field, or none when it holds its proto3 default. */
function encodeField(f: ProtoField): number[] {
  switch (f.kind) {
    case 'string':
      return f.value === '' ? [] : lengthDelimited(f.no, new TextEncoder().encode(f.value));
    case 'uint':
      if (!Number.isSafeInteger(f.value) || f.value < 0) throw new ProtobufError(`field ${f.no}: ${f.value} is not an unsigned integer`);
      return f.value === 0 ? [] : [...tag(f.no, 0), ...encodeVarint(f.value)];
    case 'bool':
      return f.value ? [...tag(f.no, 0), 1] : [];
    case 'message':
      // A set sub-message is sent even when empty; an unset one is not.
      return f.value === undefined ? [] : lengthDelimited(f.no, f.value);
  }
}

/** A message from its fields, in the order given (a repeated field is the same number given again). */
export function encodeMessage(fields: ProtoField[]): Uint8Array {
  return Uint8Array.from(fields.flatMap(encodeField));
}

/** Every field of a message by number, repeated ones in wire order. Unknown fields are kept, not refused. */
export function decodeMessage(buf: Uint8Array): Map<number, WireValue[]> {
  const fields = new Map<number, WireValue[]>();
  let pos = 0;
  while (pos < buf.length) {
    const t = decodeVarint(buf, pos);
    pos = t.next;
    const no = Number(t.value >> 3n);
    const wire = Number(t.value & 7n);
    if (no < 1) throw new ProtobufError(`field number 0 at byte ${pos}`);
    let v: WireValue;
    if (wire === 0) {
      const r = decodeVarint(buf, pos);
      v = { wire: 0, value: r.value };
      pos = r.next;
    } else if (wire === 2) {
      const len = decodeVarint(buf, pos);
      const end = len.next + Number(len.value);
      if (end > buf.length) throw new ProtobufError(`field ${no}: length ${len.value} runs past the message end`);
      v = { wire: 2, bytes: buf.subarray(len.next, end) };
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > buf.length) throw new ProtobufError(`field ${no}: truncated fixed${size * 8}`);
      v = { wire, bytes: buf.subarray(pos, pos + size) };
      pos += size;
    } else {
      throw new ProtobufError(`field ${no}: unsupported wire type ${wire}`);
    }
    const list = fields.get(no) ?? [];
    list.push(v);
    fields.set(no, list);
  }
  return fields;
}

function last(fields: Map<number, WireValue[]>, no: number): WireValue | undefined {
  const list = fields.get(no);
  // Proto3: for a non-repeated field the last value on the wire wins.
  return list?.[list.length - 1];
}

function bytesOf(v: WireValue, no: number, what: string): Uint8Array {
  if (v.wire !== 2) throw new ProtobufError(`field ${no}: expected ${what} (wire type 2), got wire type ${v.wire}`);
  return v.bytes;
}

export function getString(fields: Map<number, WireValue[]>, no: number): string {
  const v = last(fields, no);
  return v === undefined ? '' : new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(v, no, 'a string'));
}

export function getUint(fields: Map<number, WireValue[]>, no: number): number {
  const v = last(fields, no);
  if (v === undefined) return 0;
  if (v.wire !== 0) throw new ProtobufError(`field ${no}: expected a varint, got wire type ${v.wire}`);
  if (v.value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtobufError(`field ${no}: ${v.value} is too large`);
  return Number(v.value);
}

export function getBool(fields: Map<number, WireValue[]>, no: number): boolean {
  return getUint(fields, no) !== 0;
}

/** A nested message's bytes; undefined when it is not set. */
export function getMessage(fields: Map<number, WireValue[]>, no: number): Uint8Array | undefined {
  const v = last(fields, no);
  return v === undefined ? undefined : bytesOf(v, no, 'a message');
}

/** Every value of a repeated message field, in order. */
export function getRepeatedMessages(fields: Map<number, WireValue[]>, no: number): Uint8Array[] {
  return (fields.get(no) ?? []).map((v) => bytesOf(v, no, 'a message'));
}
