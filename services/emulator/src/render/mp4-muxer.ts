// A minimal MP4 (ISO BMFF, ISO/IEC 14496-12 and -15) writer for one H.264 track: ftyp, then moov (so players can
// start before the whole file arrives), then mdat with the samples in a single chunk.
import { H264_PROFILE } from './h264-pcm.ts';

export interface Mp4Track {
  /** Displayed size in pixels. */
  width: number;
  height: number;
  /** Ticks per second of the media clock, and the ticks each sample lasts. */
  timescale: number;
  sampleDuration: number;
  sps: Uint8Array;
  pps: Uint8Array;
  /** One NAL unit per sample, without start codes; every sample is a sync sample (IDR). */
  samples: Uint8Array[];
}

type Payload = Uint8Array | number[];

const UNITY_MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
const NAL_LENGTH_BYTES = 4;

export function muxMp4(track: Mp4Track): Buffer {
  const samples = track.samples.map(lengthPrefixed);
  const fileType = box('ftyp', ascii('isom'), u32(0x200), ascii('isom'), ascii('iso2'), ascii('avc1'), ascii('mp41'));
  // The chunk offset depends on moov's size, which does not depend on the offset's value: measure, then write.
  const moovSize = movie(track, samples, 0).length;
  const mdatHeaderSize = 8;
  const movieBox = movie(track, samples, fileType.length + moovSize + mdatHeaderSize);
  return Buffer.concat([fileType, movieBox, box('mdat', ...samples)]);
}

function movie(track: Mp4Track, samples: Uint8Array[], chunkOffset: number): Buffer {
  const duration = track.sampleDuration * samples.length;
  const trackHeader = fullBox('tkhd', 0, 0b11, // enabled, in movie
    u32(0), u32(0), u32(1), u32(0), u32(duration), u32(0), u32(0),
    u16(0), u16(0), u16(0), u16(0), // layer, alternate_group, volume, reserved
    ...UNITY_MATRIX.map(u32), u32(track.width * 0x10000), u32(track.height * 0x10000));
  const mediaHeader = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(track.timescale), u32(duration), u16(0x55c4 /* 'und' */), u16(0));
  const handler = fullBox('hdlr', 0, 0, u32(0), ascii('vide'), u32(0), u32(0), u32(0), ascii('VideoHandler\0'));
  const dataInformation = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1 /* media in this file */)));
  const sampleTable = box('stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(track)),
    fullBox('stts', 0, 0, u32(1), u32(samples.length), u32(track.sampleDuration)),
    fullBox('stss', 0, 0, u32(samples.length), ...samples.map((_, index) => u32(index + 1))),
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(samples.length), u32(1)),
    fullBox('stsz', 0, 0, u32(0), u32(samples.length), ...samples.map((sample) => u32(sample.length))),
    fullBox('stco', 0, 0, u32(1), u32(chunkOffset)));
  const mediaInformation = box('minf', fullBox('vmhd', 0, 1, u16(0), u16(0), u16(0), u16(0)), dataInformation, sampleTable);
  return box('moov',
    fullBox('mvhd', 0, 0, u32(0), u32(0), u32(track.timescale), u32(duration),
      u32(0x10000), u16(0x100), u16(0), u32(0), u32(0), // rate 1.0, volume 1.0, reserved
      ...UNITY_MATRIX.map(u32), ...Array.from({ length: 6 }, () => u32(0)), u32(2)), // pre_defined, next_track_ID
    box('trak', trackHeader, box('mdia', mediaHeader, handler, mediaInformation)));
}

/** The avc1 visual sample entry with its decoder configuration (avcC: profile, level, SPS and PPS). */
function sampleEntry(track: Mp4Track): Buffer {
  const { profile, compatibility, level } = H264_PROFILE;
  const decoderConfiguration = box('avcC',
    [1, profile, compatibility, level, 0xfc | (NAL_LENGTH_BYTES - 1), 0xe0 | 1],
    u16(track.sps.length), track.sps, [1], u16(track.pps.length), track.pps);
  const compressorName = new Uint8Array(32);
  return box('avc1',
    new Uint8Array(6), u16(1), // reserved, data_reference_index
    u16(0), u16(0), u32(0), u32(0), u32(0), // pre_defined, reserved, pre_defined[3]
    u16(track.width), u16(track.height), u32(0x480000), u32(0x480000), u32(0), // 72 dpi, reserved
    u16(1), compressorName, u16(0x18), u16(0xffff), // frame_count, depth 24, pre_defined -1
    decoderConfiguration);
}

function lengthPrefixed(nal: Uint8Array): Uint8Array {
  return Buffer.concat([u32(nal.length), nal]);
}

function box(type: string, ...payloads: Payload[]): Buffer {
  const body = Buffer.concat(payloads.map((payload) => (payload instanceof Uint8Array ? payload : Uint8Array.from(payload))));
  return Buffer.concat([u32(8 + body.length), ascii(type), body]);
}

function fullBox(type: string, version: number, flags: number, ...payloads: Payload[]): Buffer {
  return box(type, [version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff], ...payloads);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value & 0xffff);
  return bytes;
}

function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
