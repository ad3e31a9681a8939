// Shortens the names of the wasm's imports from wasm-bindgen's JS glue, and of its long
// exports, and minifies the snippets, in a built dist folder:
//   node scripts/short-names.mjs DIST
//
// wasm-bindgen names each import after its binding plus a 16-digit hash
// (`__wbg_setonopen_8a7b6c5d4e3f2a1b`), and both the wasm's import section and the glue's
// import object carry every name once: some 160 random hashes, which gzip cannot shrink, about
// 3 KB of the bundle; its closure shims are exported under names built from crate hashes and
// types. This renames them, in both files alike, to `$0`, `$1`, … and then
// minifies wasm-bindgen's snippets with terser (scripts/build-tools), which trunk leaves as
// they are, and writes the new sha384 of each changed file into index.html's `integrity`
// attributes (trunk computed them before). Only imports from the glue's own module (`…_bg.js`) are renamed; a
// name the glue does not hold exactly once as a key is left alone. Anything it does not
// understand stops the build with an error, rather than ship a bundle whose names disagree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2];
if (!dist) {
  throw new Error('usage: node scripts/short-names.mjs DIST');
}
const files = readdirSync(dist);
const wasmName = files.find((f) => f.endsWith('_bg.wasm'));
if (!wasmName) {
  throw new Error(`no *_bg.wasm in ${dist}`);
}
const jsName = wasmName.replace(/_bg\.wasm$/, '.js');
const wasmPath = join(dist, wasmName);
const jsPath = join(dist, jsName);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, 'utf8');

/** Reads an unsigned LEB128 at `at`; returns [value, next offset]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('truncated wasm');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

function writeLeb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

function name(bytes) {
  const b = Buffer.from(bytes, 'utf8');
  return Buffer.concat([writeLeb(b.length), b]);
}

/** A JS token for `name`: not part of a longer identifier. */
function token(name) {
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
}

let next = 0;
/** `$0`, `$1`, … `$z`, `$10`, …: short, valid JS identifiers the glue does not use yet. */
function fresh() {
  for (;;) {
    const name = '$' + (next++).toString(36);
    if (!token(name).test(js)) return name;
  }
}

/**
 * The export section, with the long names (wasm-bindgen's closure shims, named after their
 * crate hashes and types) shortened where the glue names each as a whole token; the glue's
 * function of the same name goes with it.
 */
function exportSection(body, end) {
  let p = body;
  let count;
  [count, p] = leb(wasm, p);
  const entries = [writeLeb(count)];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = leb(wasm, p);
    const field = wasm.toString('utf8', p, p + len);
    p += len;
    const descStart = p;
    p++; // kind
    [, p] = leb(wasm, p);
    let newField = field;
    if (field.length > 24 && token(field).test(js)) {
      newField = fresh();
      js = js.replace(token(field), newField);
      exported++;
    }
    entries.push(name(newField), wasm.subarray(descStart, p));
  }
  if (p !== end) {
    throw new Error('the export section did not end where its size said');
  }
  const section = Buffer.concat(entries);
  return Buffer.concat([Buffer.from([7]), writeLeb(section.length), section]);
}

let exported = 0;
if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) {
  throw new Error(`${wasmName} is not a wasm module`);
}
const parts = [wasm.subarray(0, 8)];
let at = 8;
let renamed = 0;
let kept = 0;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = leb(wasm, at + 1);
  const end = body + size;
  if (id === 7) {
    parts.push(exportSection(body, end));
    at = end;
    continue;
  }
  if (id !== 2) {
    parts.push(wasm.subarray(at, end));
    at = end;
    continue;
  }
  // The import section: (module, field, description) for each import.
  let p = body;
  let count;
  [count, p] = leb(wasm, p);
  const entries = [writeLeb(count)];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = leb(wasm, p);
    const module = wasm.toString('utf8', p, p + len);
    p += len;
    [len, p] = leb(wasm, p);
    const field = wasm.toString('utf8', p, p + len);
    p += len;
    const descStart = p;
    const kind = wasm[p++];
    if (kind === 0) {
      [, p] = leb(wasm, p); // function: its type
    } else if (kind === 1 || kind === 2) {
      if (kind === 1) p++; // table: its element type
      const flags = wasm[p++];
      [, p] = leb(wasm, p);
      if (flags & 1) [, p] = leb(wasm, p);
    } else if (kind === 3) {
      p += 2; // global: value type, mutability
    } else if (kind === 4) {
      p++; // tag: attribute
      [, p] = leb(wasm, p);
    } else {
      throw new Error(`unknown import kind ${kind} for ${module}.${field}`);
    }
    let newField = field;
    if (module.endsWith('_bg.js')) {
      const key = new RegExp(`(?<![\\w$])${field.replace(/\$/g, '\\$')}(?=:)`, 'g');
      const found = js.match(key)?.length ?? 0;
      if (found === 1) {
        newField = fresh();
        renamed++;
        js = js.replace(key, newField);
      } else {
        kept++;
      }
    }
    entries.push(name(module), name(newField), wasm.subarray(descStart, p));
  }
  if (p !== end) {
    throw new Error('the import section did not end where its size said');
  }
  const section = Buffer.concat(entries);
  parts.push(Buffer.from([2]), writeLeb(section.length), section);
  at = end;
}
if (renamed === 0) {
  throw new Error(`no import of ${wasmName} could be renamed`);
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);

// wasm-bindgen's snippets (the crate's `inline_js`), which trunk copies as they are: minified.
const { minify } = await import(new URL('./build-tools/node_modules/terser/main.js', import.meta.url));
const changed = [jsName, wasmName];
let snippetBytes = [0, 0];
// An app without `inline_js` has no snippets folder.
const snippetDirs = existsSync(join(dist, 'snippets'))
  ? readdirSync(join(dist, 'snippets'), { withFileTypes: true })
  : [];
for (const dir of snippetDirs) {
  if (!dir.isDirectory()) continue;
  for (const file of readdirSync(join(dist, 'snippets', dir.name))) {
    if (!file.endsWith('.js')) continue;
    const path = join(dist, 'snippets', dir.name, file);
    const source = readFileSync(path, 'utf8');
    const { code } = await minify(source, { module: true, compress: true, mangle: true });
    if (!code) throw new Error(`terser gave nothing for ${path}`);
    writeFileSync(path, code);
    snippetBytes = [snippetBytes[0] + source.length, snippetBytes[1] + code.length];
    changed.push(`snippets/${dir.name}/${file}`);
  }
}

// index.html's integrity attributes for the changed files, as trunk wrote them.
const htmlPath = join(dist, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const file of changed) {
  const digest = createHash('sha384').update(readFileSync(join(dist, file))).digest('base64');
  const link = new RegExp(`(href="?/?${file.replace(/[./]/g, '\\$&')}"? integrity="?sha384-)[A-Za-z0-9+/=]+`);
  if (!link.test(html)) {
    throw new Error(`index.html has no integrity attribute for ${file}`);
  }
  html = html.replace(link, `$1${digest}`);
}
writeFileSync(htmlPath, html);
console.log(
  `short-names: ${renamed} imports renamed, ${kept} kept, ${exported} exports renamed, in ${wasmName} and ${jsName}; ` +
    `snippets minified from ${snippetBytes[0]} to ${snippetBytes[1]} bytes`,
);
