// What `whittle analyze --dockerfile` loads on demand: reading the Dockerfile, attributing, printing.
export { readDockerfileInput } from '../lint/input.js';
export { attributeDockerfile } from './run.js';
export { renderAttribution } from './render-text.js';
export { measureImageCosts } from './lint-image.js';
