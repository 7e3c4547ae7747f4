// `whittle lint --image REF`: read the image the Dockerfile built, tie its layers to the lines, and
// give each finding the bytes it costs there ("46.2MB in this image"), in its message and as
// data.measuredBytes in JSON.
import { analyze } from '../analyze/index.js';
import { scanImage } from '../analyze/run.js';
import { formatBytes } from '../analyze/units.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import type { Image } from '../image/image.js';
import type { LintResult } from '../lint/engine.js';
import { attribute } from './index.js';
import { measureDiagnostics } from './measure.js';

export async function measureImageCosts(result: LintResult, text: string, image: Image, target?: string): Promise<void> {
  const input = await scanImage(image);
  const analysis = analyze(input);
  const attribution = attribute({ analysis, config: input.config, model: parseDockerfile(text), file: result.file, ...(target !== undefined ? { target } : {}), diagnostics: result.diagnostics });
  const measured = measureDiagnostics(result.diagnostics, attribution, input, (d) => d.range.start.line + 1);
  for (const [d, bytes] of measured) {
    d.data = { ...d.data, measuredBytes: bytes };
    d.message = `${d.message} (${formatBytes(bytes)} in this image)`;
  }
}
