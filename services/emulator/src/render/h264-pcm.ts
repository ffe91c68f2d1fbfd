// A tiny H.264 encoder: Constrained Baseline, every picture an IDR slice of I_PCM macroblocks. I_PCM carries the
// samples uncompressed, so the stream is valid H.264 that any decoder plays, with no transform or entropy coder here.
// References are to ITU-T H.264 (the SPS 7.3.2.1, PPS 7.3.2.2, slice header 7.3.3, macroblock layer 7.3.5).
import { BitWriter } from './bit-writer.ts';
import type { RenderGeometry, YuvFrame } from './frames.ts';

const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: the stream also obeys Main, i.e. Constrained Baseline. */
const CONSTRAINT_FLAGS = 0b1100_0000;
/** Level 2.0: up to 396 macroblocks a frame and 2 Mbit/s, enough for uncompressed 96x176 at 4 fps. */
const LEVEL = 20;

const NAL_IDR_SLICE = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
const SLICE_TYPE_I_ALL = 7;
const MB_TYPE_I_PCM = 25;
const MACROBLOCK = 16;

export const H264_PROFILE = { profile: PROFILE_BASELINE, compatibility: CONSTRAINT_FLAGS, level: LEVEL };

export function encodeSps(geometry: RenderGeometry): Uint8Array {
  const cropRight = (geometry.codedWidth - geometry.width) / 2;
  const cropBottom = (geometry.codedHeight - geometry.height) / 2;
  const cropping = cropRight > 0 || cropBottom > 0;
  const sps = new BitWriter()
    .u(8, PROFILE_BASELINE).u(8, CONSTRAINT_FLAGS).u(8, LEVEL)
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type 2: output order is decoding order
    .ue(1) // max_num_ref_frames
    .u(1, 0) // gaps_in_frame_num_value_allowed_flag
    .ue(geometry.codedWidth / MACROBLOCK - 1)
    .ue(geometry.codedHeight / MACROBLOCK - 1)
    .u(1, 1) // frame_mbs_only_flag
    .u(1, 1) // direct_8x8_inference_flag
    .u(1, cropping ? 1 : 0);
  // Crop offsets count 2-pixel units in 4:2:0 frames.
  if (cropping) sps.ue(0).ue(cropRight).ue(0).ue(cropBottom);
  sps.u(1, 0); // vui_parameters_present_flag: timing lives in the MP4
  return nalUnit(NAL_SPS, sps.trailingBits().toBytes());
}

export function encodePps(): Uint8Array {
  const pps = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .u(1, 0) // entropy_coding_mode_flag: CAVLC
    .u(1, 0) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0).ue(0) // num_ref_idx_l0/l1_default_active_minus1
    .u(1, 0).u(2, 0) // weighted_pred_flag, weighted_bipred_idc
    .se(0).se(0).se(0) // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
    .u(1, 0) // deblocking_filter_control_present_flag: PCM macroblocks have qP 0, so the filter leaves them alone
    .u(1, 0) // constrained_intra_pred_flag
    .u(1, 0); // redundant_pic_cnt_present_flag
  return nalUnit(NAL_PPS, pps.trailingBits().toBytes());
}

/** One IDR picture; consecutive IDR pictures must differ in idr_pic_id, so callers alternate it. */
export function encodeIdrPicture(frame: YuvFrame, idrPicId: number): Uint8Array {
  const { codedWidth, codedHeight } = frame.geometry;
  const columns = codedWidth / MACROBLOCK;
  const rows = codedHeight / MACROBLOCK;
  const samples = new Uint8Array(MACROBLOCK * MACROBLOCK * 3 / 2);
  const slice = new BitWriter(columns * rows * (samples.length + 2) + 16)
    .ue(0) // first_mb_in_slice
    .ue(SLICE_TYPE_I_ALL)
    .ue(0) // pic_parameter_set_id
    .u(4, 0) // frame_num, log2_max_frame_num bits
    .ue(idrPicId)
    .u(1, 0).u(1, 0) // dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
    .se(0); // slice_qp_delta
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      copyMacroblockSamples(frame, column, row, samples);
      slice.ue(MB_TYPE_I_PCM).alignWithZeros().bytes(samples);
    }
  }
  return nalUnit(NAL_IDR_SLICE, slice.trailingBits().toBytes());
}

/** pcm_sample_luma (16x16, raster order), then pcm_sample_chroma: Cb 8x8, then Cr 8x8. */
function copyMacroblockSamples(frame: YuvFrame, column: number, row: number, into: Uint8Array): void {
  const width = frame.geometry.codedWidth;
  let offset = 0;
  for (let y = 0; y < MACROBLOCK; y += 1) {
    const start = (row * MACROBLOCK + y) * width + column * MACROBLOCK;
    into.set(frame.y.subarray(start, start + MACROBLOCK), offset);
    offset += MACROBLOCK;
  }
  const half = MACROBLOCK / 2;
  for (const plane of [frame.cb, frame.cr]) {
    for (let y = 0; y < half; y += 1) {
      const start = (row * half + y) * (width / 2) + column * half;
      into.set(plane.subarray(start, start + half), offset);
      offset += half;
    }
  }
}

/** NAL header (nal_ref_idc 3) plus the RBSP with emulation prevention: 00 00 0x (x ≤ 3) becomes 00 00 03 0x. */
function nalUnit(type: number, rbsp: Uint8Array): Uint8Array {
  const escaped = new Uint8Array(1 + rbsp.length + Math.ceil(rbsp.length / 2));
  escaped[0] = (3 << 5) | type;
  let length = 1;
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      escaped[length++] = 3;
      zeros = 0;
    }
    escaped[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return escaped.subarray(0, length);
}
