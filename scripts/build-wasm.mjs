// Builds crates/wasm into dist/convkit.wasm: release, +simd128, then binaryen's wasm-opt.
// Finds a Rust that can target wasm32: rustup's with the wasm32-unknown-unknown target, else
// Debian's rustc (1.63, package libstd-rust-dev-wasm32); installs Debian's with apt when run as
// root on Debian and neither is present; otherwise stops and says how to get one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = 'wasm32-unknown-unknown';
const debianPackages = ['rustc', 'cargo', 'libstd-rust-dev-wasm32', 'lld'];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

function rustupToolchain() {
  const installed = output('rustup', ['target', 'list', '--installed']);
  return installed && installed.split('\n').includes(target) ? { cargo: 'cargo', env: {} } : null;
}

function debianToolchain() {
  const ok = existsSync('/usr/bin/rustc') && existsSync('/usr/bin/cargo') && existsSync(`/usr/lib/rustlib/${target}`);
  return ok ? { cargo: '/usr/bin/cargo', env: { RUSTC: '/usr/bin/rustc' } } : null;
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
  console.error(
    'build-wasm: no Rust compiler that targets wasm32 was found. Either\n' +
      `  rustup target add ${target}        (rustup's toolchain), or\n` +
      `  apt-get install ${debianPackages.join(' ')}   (Debian's rustc 1.63 with the wasm32 std)`,
  );
  process.exit(1);
}

// Dropped from the environment so a caller's settings cannot change the module that ships.
function cleanEnv(extra) {
  const env = { ...process.env, ...extra };
  for (const key of ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'CARGO_BUILD_TARGET']) delete env[key];
  env.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS = '-C target-feature=+simd128';
  return env;
}

/** Counts SIMD instructions in the module's text form (binaryen prints them as v128.* / f32x4.* ...). */
async function simdInstructionCount(wasmPath) {
  const { default: binaryen } = await import('binaryen');
  const module = binaryen.readBinary(readFileSync(wasmPath));
  module.setFeatures(binaryen.Features.All);
  const text = module.emitText();
  module.dispose();
  return (text.match(/\b(v128|f32x4|i32x4|i8x16|i16x8|i64x2|f64x2)\.[a-z_0-9]+/g) ?? []).length;
}

const toolchain = findToolchain();
run(toolchain.cargo, ['build', '--release', '--locked', '--target', target, '-p', 'convkit-wasm'], {
  cwd: root,
  env: cleanEnv(toolchain.env),
});

const built = join(root, 'target', target, 'release', 'convkit_wasm.wasm');
const dist = join(root, 'dist');
const out = join(dist, 'convkit.wasm');
mkdirSync(dist, { recursive: true });
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
if (existsSync(wasmOpt)) {
  run(wasmOpt, ['-O3', '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', built, '-o', out]);
} else {
  console.warn('build-wasm: wasm-opt not found (npm install first); shipping the unoptimised module');
  copyFileSync(built, out);
}

const simd = await simdInstructionCount(out);
if (simd === 0) {
  console.error(`build-wasm: ${out} contains no SIMD instructions; was it built with +simd128?`);
  process.exit(1);
}
console.log(`build-wasm: ${out} (${readFileSync(out).length} bytes, ${simd} SIMD instructions)`);
