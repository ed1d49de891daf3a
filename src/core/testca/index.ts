export { demoSecret, TestCa, type TestCaBehaviour, type TestCaOptions } from './ca';
export { parseState, type CaStateJson } from './state';
