// Builds crates/wasm with wasm-pack (target web, +simd128) into build/bindgen/: the module, the JS
// glue (convkit.js) and the generated .d.ts files that type ts/core/wasm.ts. Then binaryen's wasm-opt
// writes dist/convkit.wasm (wasm-pack's own wasm-opt is off in crates/wasm/Cargo.toml).
//
// The wasm32 compiler: rustup's with the wasm32-unknown-unknown target, else Debian's rustc 1.63
// (libstd-rust-dev-wasm32), installed with apt when run as root on Debian and neither is present.
// Debian's cargo (1.65) cannot read crates.io's sparse index, so with it the locked dependencies are
// first vendored into target/vendor by rustup's cargo and Debian's cargo reads them from there.
//
// The tools: wasm-pack WASM_PACK_VERSION and the wasm-bindgen CLI at exactly the version of the
// wasm-bindgen crate in Cargo.lock. `node scripts/build-wasm.mjs --install-tools` installs whichever
// is missing with `cargo install --locked` (host build, rustup's stable); a plain build only checks.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WASM_PACK_VERSION = '0.13.1';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = 'wasm32-unknown-unknown';
const debianPackages = ['rustc', 'cargo', 'libstd-rust-dev-wasm32', 'lld'];
const bindgenDir = join(root, 'build', 'bindgen');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.error?.message})`);
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

function fail(message) {
  console.error(`build-wasm: ${message}`);
  process.exit(1);
}

// ---- the tools -------------------------------------------------------------------------------

function lockedBindgenVersion() {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const version = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
  if (!version) fail('Cargo.lock has no wasm-bindgen package');
  return version;
}

const tools = [
  { bin: 'wasm-pack', crate: 'wasm-pack', version: WASM_PACK_VERSION },
  { bin: 'wasm-bindgen', crate: 'wasm-bindgen-cli', version: lockedBindgenVersion() },
];

/** "wasm-pack 0.13.1" -> "0.13.1"; null when the tool is not on PATH. */
function installedVersion(bin) {
  return output(bin, ['--version'])?.trim().split(/\s+/)[1] ?? null;
}

function installCommand(tool) {
  return ['install', '--locked', tool.crate, '--version', tool.version];
}

function installTools() {
  for (const tool of tools) {
    if (installedVersion(tool.bin) === tool.version) {
      console.log(`build-wasm: ${tool.bin} ${tool.version} is installed`);
      continue;
    }
    console.log(`build-wasm: cargo ${installCommand(tool).join(' ')}`);
    const start = Date.now();
    run('cargo', installCommand(tool));
    console.log(`build-wasm: installed ${tool.bin} ${tool.version} in ${Math.round((Date.now() - start) / 1000)} s`);
  }
}

/** Installs missing or wrong-version tools when cargo is there (as the compiler is, with apt); else says how. */
function ensureTools() {
  const wrong = tools.map((tool) => ({ ...tool, found: installedVersion(tool.bin) })).filter((t) => t.found !== t.version);
  if (wrong.length === 0) return;
  if (output('cargo', ['--version'])) {
    console.log(`build-wasm: ${wrong.map((t) => `${t.bin} ${t.version}`).join(' and ')} missing; installing (a few minutes each, once)`);
    installTools();
    return;
  }
  fail(
    `the build needs ${wrong.map((t) => `${t.bin} ${t.version} (found: ${t.found ?? 'none'})`).join(' and ')}, and no cargo was found to install them.\n` +
      '  Install Rust with rustup, then: node scripts/build-wasm.mjs --install-tools, which runs\n' +
      wrong.map((t) => `    cargo ${installCommand(t).join(' ')}\n`).join(''),
  );
}

// ---- the wasm32 compiler ---------------------------------------------------------------------

function rustupToolchain() {
  const installed = output('rustup', ['target', 'list', '--installed']);
  return installed && installed.split('\n').includes(target) ? { env: {} } : null;
}

function debianToolchain() {
  const ok = existsSync('/usr/bin/rustc') && existsSync('/usr/bin/cargo') && existsSync(`/usr/lib/rustlib/${target}`);
  if (!ok) return null;
  // RUSTUP_TOOLCHAIN=/usr makes rustup's `cargo` and `rustc` (which wasm-pack runs) Debian's.
  return { env: { RUSTUP_TOOLCHAIN: '/usr', RUSTC: '/usr/bin/rustc', CARGO_HOME: vendoredCargoHome() } };
}

function installDebianToolchain() {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return null;
  console.log(`build-wasm: no wasm32 Rust found; installing Debian's ${debianPackages.join(' ')} with apt-get`);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', ...debianPackages], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return debianToolchain();
}

function findToolchain() {
  const toolchain = rustupToolchain() ?? debianToolchain() ?? installDebianToolchain();
  if (toolchain) return toolchain;
  fail(
    'no Rust compiler that targets wasm32 was found. Either\n' +
      `  rustup target add ${target}        (rustup's toolchain), or\n` +
      `  apt-get install ${debianPackages.join(' ')}   (Debian's rustc 1.63 with the wasm32 std)`,
  );
}

/**
 * A CARGO_HOME for Debian's cargo whose config reads crates.io from target/vendor, vendored from
 * Cargo.lock by rustup's cargo (again only when Cargo.lock changed).
 */
function vendoredCargoHome() {
  const vendor = join(root, 'target', 'vendor');
  const stamp = join(vendor, '.cargo-lock');
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
    const env = { ...process.env };
    delete env.RUSTUP_TOOLCHAIN;
    console.log('build-wasm: vendoring the locked crates into target/vendor for Debian\'s cargo');
    const r = spawnSync('cargo', ['vendor', '--locked', '--versioned-dirs', vendor], { cwd: root, env, encoding: 'utf8' });
    if (r.status !== 0) fail(`rustup's cargo could not vendor the locked crates for Debian's cargo:\n${r.stderr ?? r.error}`);
    writeFileSync(stamp, lock);
  }
  const home = join(root, 'target', 'cargo-home-debian');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'config.toml'),
    `[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = ${JSON.stringify(vendor)}\n`,
  );
  return home;
}

// Dropped from the environment so a caller's settings cannot change the module that ships.
function cleanEnv(extra) {
  const env = { ...process.env, ...extra };
  for (const key of ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'CARGO_BUILD_TARGET']) delete env[key];
  env.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS = '-C target-feature=+simd128';
  return env;
}

/** The module at wasmPath in binaryen's text form. */
async function moduleText(wasmPath) {
  const { default: binaryen } = await import('binaryen');
  const module = binaryen.readBinary(readFileSync(wasmPath));
  module.setFeatures(binaryen.Features.All);
  const text = module.emitText();
  module.dispose();
  return text;
}

/** Counts SIMD instructions in the module's text form (binaryen prints them as v128.* / f32x4.* ...). */
async function simdInstructionCount(wasmPath) {
  const text = await moduleText(wasmPath);
  return (text.match(/\b(v128|f32x4|i32x4|i8x16|i16x8|i64x2|f64x2)\.[a-z_0-9]+/g) ?? []).length;
}

// LLVM 14 folds `p + c` into the offset of plain loads but leaves an i32.add before each
// v128.load32_splat, and wasm-opt's --low-memory-unused folding (above) skips SIMD loads. This
// folds them on the same grounds (c < 1 KiB; the low 1 KiB is never addressed), so gemm's packed-A
// microkernel reads its 4 values of A through one pointer at fixed offsets: in Firefox 153 the 1x1
// and Winograd rows ran 1.32-1.47x faster with the offsets folded, and no faster without (A/B of
// two builds in one page).
// Rewrites the module at wasmPath in binaryen's text form; returns how many loads it folded.
async function foldSplatLoadOffsets(wasmPath) {
  const { default: binaryen } = await import('binaryen');
  const text = await moduleText(wasmPath);
  const splatOfSum = /\(v128\.load32_splat(?: offset=(\d+))?( align=\d+)?\n(\s*)\(i32\.add\n\s*(\(local\.get \$[^\s()]+\))\n\s*\(i32\.const (\d+)\)\n\s*\)/g;
  let folded = 0;
  const rewritten = text.replace(splatOfSum, (match, offset, align, indent, pointer, constant) => {
    if (Number(constant) >= 1024) return match;
    folded++;
    return `(v128.load32_splat offset=${Number(offset ?? 0) + Number(constant)}${align ?? ''}\n${indent}${pointer}`;
  });
  const output = binaryen.parseText(rewritten);
  output.setFeatures(binaryen.Features.All);
  if (!output.validate()) fail(`${wasmPath}: invalid after folding v128.load32_splat offsets`);
  writeFileSync(wasmPath, output.emitBinary());
  output.dispose();
  return folded;
}

// ---- main ------------------------------------------------------------------------------------

if (process.argv.includes('--install-tools')) {
  installTools();
  process.exit(0);
}

ensureTools();
const toolchain = findToolchain();
run(
  'wasm-pack',
  ['build', 'crates/wasm', '--release', '--target', 'web', '--mode', 'no-install', '--no-pack',
    '--out-dir', bindgenDir, '--out-name', 'convkit', '--', '--locked'],
  { cwd: root, env: cleanEnv(toolchain.env) },
);

const built = join(bindgenDir, 'convkit_bg.wasm');
const out = join(root, 'dist', 'convkit.wasm');
mkdirSync(dirname(out), { recursive: true });
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
let folded = 0;
if (existsSync(wasmOpt)) {
  // --low-memory-unused lets wasm-opt fold `p + constant` into a load's offset (a V8 address
  // operand) instead of an i32.add per load: valid because the low 1 KiB is never addressed (the
  // stack occupies the first MiB, growing down from its top). One add fewer per microkernel step:
  // 1x1 rows 1.03-1.07x (A/B).
  run(wasmOpt, ['-O3', '--low-memory-unused', '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', built, '-o', out]);
  folded = await foldSplatLoadOffsets(out);
  if (folded === 0) console.warn('build-wasm: no v128.load32_splat offset folded; has binaryen\'s text format changed?');
} else {
  console.warn('build-wasm: wasm-opt not found (npm install first); shipping the unoptimised module');
  copyFileSync(built, out);
}

const simd = await simdInstructionCount(out);
if (simd === 0) fail(`${out} contains no SIMD instructions; was it built with +simd128?`);
console.log(`build-wasm: ${out} (${readFileSync(out).length} bytes, ${simd} SIMD instructions, ${folded} splat-load offsets folded)`);
