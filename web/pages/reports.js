// placeholder replaced below
export async function render(root) { root.textContent = ''; }
