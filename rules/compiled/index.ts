export { compileScoring, type CompiledScore, type CompiledScoring } from './scoring';
export { compileRouting, type CompiledRoute, type CompiledRouting } from './routing';
export { compileMatcher, type CompiledMatcher } from './matcher';
