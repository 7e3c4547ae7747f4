import { describe, expect, it } from 'vitest';
import { createdImages } from './docker-cli.js';

describe('createdImages', () => {
  it('lists the images a classic build made: not the FROM image, not cache hits', () => {
    const output = [
      'Sending build context to Docker daemon  3.072kB',
      'Step 1/4 : FROM debian:bookworm',
      ' ---> 4dc06e40f52d',
      'Step 2/4 : RUN make',
      ' ---> Using cache',
      ' ---> 1111111111aa',
      'Step 3/4 : COPY . /app',
      ' ---> 2222222222bb',
      'Step 4/4 : CMD ["app"]',
      ' ---> Running in 0123456789ab',
      'Removing intermediate container 0123456789ab',
      ' ---> 3333333333cc',
      'Successfully built 3333333333cc',
    ].join('\n');
    expect(createdImages(output)).toEqual(['2222222222bb', '3333333333cc']);
  });
});
