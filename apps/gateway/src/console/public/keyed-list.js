// Keeps a list element's children in step with an array of items, one element per key, reused
// across updates: a live update then never rebuilds the list under a keyboard user's focus.

/**
 * `create(item)` makes an item's element, `update(element, item)` brings it up to date (it runs
 * for new elements too). Elements of keys no longer present are removed; the others are moved only
 * when out of order, and focus inside a moved element is put back.
 */
export function reconcile(container, items, { key, create, update }) {
  const focused = document.activeElement;
  const existing = new Map();
  for (const child of container.children) existing.set(child.dataset.key, child);
  const wanted = new Set();
  let previous = null;
  for (const item of items) {
    const itemKey = key(item);
    wanted.add(itemKey);
    let element = existing.get(itemKey);
    if (!element) {
      element = create(item);
      element.dataset.key = itemKey;
    }
    update(element, item);
    const expectedPosition = previous ? previous.nextElementSibling : container.firstElementChild;
    if (element !== expectedPosition) container.insertBefore(element, expectedPosition);
    previous = element;
  }
  for (const [itemKey, element] of existing) if (!wanted.has(itemKey)) element.remove();
  if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}
