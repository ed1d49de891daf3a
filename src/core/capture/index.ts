export {
  CaptureParser,
  groupExchanges,
  exchangeKey,
  parseCapture,
  type CaptureResult,
  type CapturedExchange,
  type CapturedMessage,
} from './capture';
export type { CaptureProblem } from './records';
