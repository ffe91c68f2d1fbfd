// A most-significant-bit-first writer for H.264 syntax elements: fixed-width u(n), Exp-Golomb ue(v)/se(v),
// and byte-aligned runs of raw bytes (the PCM samples).

export class BitWriter {
  #bytes: Uint8Array;
  #length = 0;
  /** Bits of the byte being filled, and how many of them are set. */
  #pending = 0;
  #pendingBits = 0;

  constructor(expectedBytes = 64) {
    this.#bytes = new Uint8Array(expectedBytes);
  }

  get byteAligned(): boolean {
    return this.#pendingBits === 0;
  }

  /** u(n): `value` in `bits` bits, at most 32. */
  u(bits: number, value: number): this {
    for (let shift = bits - 1; shift >= 0; shift -= 1) this.#bit(Math.floor(value / 2 ** shift) % 2);
    return this;
  }

  /** ue(v): unsigned Exp-Golomb; n is written as (len-1) zeros, then n+1 in binary of length len. */
  ue(value: number): this {
    const codeNum = value + 1;
    const length = Math.floor(Math.log2(codeNum)) + 1;
    return this.u(length - 1, 0).u(length, codeNum);
  }

  /** se(v): signed Exp-Golomb; 1, -1, 2, -2, … map to 1, 2, 3, 4, …. */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Zero bits up to the next byte boundary (pcm_alignment_zero_bit, cabac_alignment…). */
  alignWithZeros(): this {
    while (!this.byteAligned) this.#bit(0);
    return this;
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailingBits(): this {
    return this.u(1, 1).alignWithZeros();
  }

  /** Raw bytes; the writer must be byte aligned. */
  bytes(data: Uint8Array): this {
    if (!this.byteAligned) throw new Error('BitWriter.bytes needs a byte-aligned position');
    this.#reserve(data.length);
    this.#bytes.set(data, this.#length);
    this.#length += data.length;
    return this;
  }

  toBytes(): Uint8Array {
    if (!this.byteAligned) throw new Error('BitWriter holds a partial byte; end the RBSP with trailingBits()');
    return this.#bytes.subarray(0, this.#length);
  }

  #bit(bit: number): void {
    this.#pending = (this.#pending << 1) | bit;
    this.#pendingBits += 1;
    if (this.#pendingBits === 8) {
      this.#reserve(1);
      this.#bytes[this.#length] = this.#pending;
      this.#length += 1;
      this.#pending = 0;
      this.#pendingBits = 0;
    }
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + extra));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
