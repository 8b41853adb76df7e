// Small DOM helpers: text only (never innerHTML), so nothing a member wrote can run here.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

export function rows(table, items, cells) {
  const body = table.tBodies[0];
  body.replaceChildren(...items.map((item) => el('tr', {}, ...cells(item).map((cell) => el('td', {}, cell)))));
  if (items.length === 0)
    body.append(el('tr', {}, el('td', { colspan: table.tHead.rows[0].cells.length }, 'Nothing here.')));
}
