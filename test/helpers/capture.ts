import { PassThrough } from 'node:stream';

/** A writable stream that keeps everything written to it (an app's console or log output). */
export function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c));
  return { stream, text: () => text };
}
