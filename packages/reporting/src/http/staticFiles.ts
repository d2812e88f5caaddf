import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export type StaticFile = { contentType: string; body: Buffer };

/** The files of `dir`, read once at start and served by exact name ("/" is index.html): no path is ever joined from a request. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(`/${name}`, { contentType, body: readFileSync(join(dir, name)) });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
