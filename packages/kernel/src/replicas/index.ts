export { ReplicaAwareDriver } from './driver.ts';
export { formatLsn, parseLsn } from './lsn.ts';
export { checkReplicas, type ReplicaSample } from './probe.ts';
export {
  consistencyOf,
  declareConsistency,
  type ReadQueryable,
  type RepositoryConsistency,
  readConnection,
  routerOf,
} from './repositories.ts';
export { isReplicaFailure, ReplicaRouter, type ReplicaState, type Target } from './router.ts';
export {
  CONSISTENCIES,
  type Consistency,
  currentConsistency,
  currentScope,
  ReadScope,
  withConsistency,
  withDefaultConsistency,
  withReadScope,
} from './scope.ts';
export { type ReplicaSettings, replicaSettings } from './settings.ts';
