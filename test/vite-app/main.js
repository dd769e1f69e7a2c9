// An app as a user writes it: `import ... from 'convkit'`, no bundler configuration. Vite must ship
// convkit.wasm (and the bundled data) from the `new URL(..., import.meta.url)` in the package.
import { data, init, ops, tensor, tidy } from 'convkit';

const out = document.getElementById('result');
try {
  await init();
  const conv = tidy(() => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const filter = tensor([1, 2, 3, 4], [2, 2, 1, 1]);
    return Array.from(ops.conv2d(x, filter).dataSync());
  });
  const { train, test } = await data.fashionMnistSample({ limit: 4 });
  const labels = Array.from(train.y.dataSync());
  for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  out.textContent = JSON.stringify({ conv, labels });
  out.dataset.state = 'done';
} catch (error) {
  out.textContent = String(error?.stack ?? error);
  out.dataset.state = 'error';
}
