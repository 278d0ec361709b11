export * from './schema';
export * from './outputs';
export * from './validate';
export { defaultPipeline } from './default-pipeline';
