// Transitional re-export: the loader moved to src/knowledge/ (findings cite passages and must not import ground).
export * from '../knowledge/knowledge-base.ts';
