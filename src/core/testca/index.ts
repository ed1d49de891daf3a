export { demoSecret, TestCa, type TestCaBehaviour, type TestCaOptions } from './ca';
export {
  parseState,
  type CaSnapshot,
  type CaStateJson,
  type CaStore,
  type IssuedRecord,
  type RevokedRecord,
  type RootUpdateDer,
} from './state';
