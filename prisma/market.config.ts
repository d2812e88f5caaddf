import { migrationConfig } from './migrationConfig.ts';

export default migrationConfig('market');
