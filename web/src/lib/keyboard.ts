// Vant draws some controls (cells, checkboxes, radios, switches) as focusable elements with a
// role but no key handling: Enter and Space activate them here, as they would a real button.
const ROLES = new Set(['button', 'checkbox', 'radio', 'switch', 'tab', 'menuitem'])

export function installKeyboardActivation(root: Document = document) {
  root.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return
    const el = event.target as HTMLElement | null
    if (!el || el.isContentEditable || /^(BUTTON|A|INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return
    const role = el.getAttribute('role')
    if (!role || !ROLES.has(role)) return
    event.preventDefault()
    el.click()
  })
}
