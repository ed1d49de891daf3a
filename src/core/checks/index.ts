export { checkMessage, type CheckOptions } from './message';
export { nonceChains, checkExchange, checkTransaction, findingLine, ExchangeChecker } from './exchange';
