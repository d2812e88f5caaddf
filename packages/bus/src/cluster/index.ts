export * from './clusterDown.ts';
export * from './clusterNodes.ts';
export * from './clusterStatus.ts';
export * from './clusterUp.ts';
export * from './nodeCtl.ts';
export * from './nodeFaults.ts';
export * from './quorumReplicas.ts';
export * from './startNode.ts';
