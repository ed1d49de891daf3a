export { checkMessage, type CheckOptions } from './message';
export { chainOrder, checkExchange } from './exchange';
