// whittle as a library: the same pieces the CLI uses. Images come from openImage (any transport)
// and go to writeImage (any transport); commands are functions over that one Image model.
export { WhittleError, isWhittleError, type ErrorCode } from './errors.js';

// the image model
export type { Image, Layer, LayerRead, LayerStats, Compression } from './image/image.js';
export type { Descriptor, Manifest, Index, ImageConfig, HistoryEntry, Platform } from './image/spec.js';
export type { Digest } from './image/digest.js';
export { scanLayer, type LayerScan, type ScanOptions } from './layers/scan.js';
export type { LayerEntry, EntryType } from './layers/entry.js';

// transports: where images come from and go to
export { TRANSPORTS, type Transport, type OpenOptions, type WriteOptions, type WriteResult, type ParsedReference } from './transports/index.js';
export { parseReference } from './transports/reference.js';
export { openImage } from './transports/open.js';
export { writeImage } from './transports/write.js';

// analyze
export { analyzeImage, scanImage, type AnalyzeImageOptions } from './analyze/run.js';
export { analyze, type Analysis, type AnalysisInput, type AnalyzeOptions, type Finding, type LayerAnalysis, type WastedPath } from './analyze/index.js';
export { evaluateGates, parseDiveCi, type GateConfig, type GateResult } from './analyze/gates.js';
// attribution: bytes → Dockerfile lines
export { attribute, type Attribution, type AttributedLine, type AttributedFinding, type AttributeInput, type Confidence } from './attribute/index.js';
export { attributeDockerfile } from './attribute/run.js';

// rewrite
export { squash, type SquashOptions, type SquashResult } from './rewrite/squash.js';
export { planSquash, type SquashPlan } from './rewrite/plan.js';
export { strip, CATEGORIES, type StripPlan, type StripOptions, type StripRunOptions, type StripResult } from './rewrite/strip/index.js';
export { minify, type MinifyOptions, type MinifyPlan, type MinifyResult, type Tracer } from './minify/index.js';

// build: a Node project to an image on a base, without an engine
export { build, createBuilder, type Builder, type BuildOptions, type BuildResult, type DependencySource } from './build/index.js';
export { watchProject, type Watch, type WatchOptions } from './build/watch.js';
export { renderSbom, parseSbomFormat, SBOM_FORMATS, type SbomFormat, type SbomInput } from './build/sbom.js';
export { chooseDefaultBase, openDefaultBase, DEFAULT_BASE, type DefaultBase } from './build/default-base.js';

// Dockerfiles and build contexts
export * from './lint/index.js';
export { SUGGESTION_ORDER, fixText, fixTextSync, type AppliedFix, type FixOptions, type FixResult } from './fix/engine.js';
export { analyzeContext, type ContextOptions, type ContextReport } from './context/analyze.js';

// variants: the app's image built every way whittle knows, measured and checked
export { runVariants, type VariantsOptions, type VariantsReport } from './variants/run.js';
export { VARIANT_MAKERS } from './variants/makers.js';
export { DockerEngine } from './variants/docker-engine.js';
export { renderText as renderVariantsText, renderMarkdown as renderVariantsMarkdown, toJson as variantsJson } from './variants/render.js';
export type { Check, VariantEngine, VariantMaker, VariantPlan, VariantRow } from './variants/types.js';
