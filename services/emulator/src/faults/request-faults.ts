// The faults one request is subject to: the directives of its `x-emulator-fault` header, and the latency its answer
// waits, which becomes the latency of the video it turns out to concern (the header still wins).
import { layerDirectives, type FaultDirectives, type ResolvedDirectives } from './fault-directives.ts';

export class RequestFaults {
  readonly header: FaultDirectives;
  #latencyMs: number;

  constructor(server: ResolvedDirectives, header: FaultDirectives) {
    this.header = header;
    this.#latencyMs = header.latency ?? server.latency;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** From here on the request is about a video scripted by `directives`; returns what is in force for it. */
  concern(directives: ResolvedDirectives): ResolvedDirectives {
    const effective = layerDirectives(directives, this.header);
    this.#latencyMs = effective.latency;
    return effective;
  }
}
