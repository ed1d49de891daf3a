export {
  checkHttpAnswer,
  isPkixCmp,
  transportDefaults,
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Post,
  type ServerConfig,
  type TransportStep,
} from './rfc9811';
export {
  runTransaction,
  type ExchangeMessage,
  type TransactionOptions,
  type TransactionResult,
} from './transaction';
