export interface CapabilityResult {
  readonly capability: string;
  readonly events: number;
  readonly readsPerEvent: number;
  readonly writesPerEvent: number;
  readonly medianHandlerMs: number;
  readonly note?: string;
}
