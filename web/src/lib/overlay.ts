// Vant makes the dimmed overlay behind a popup or action sheet a button (tapping it closes the
// popup) but gives it no name; screen readers would announce an unnamed button. Pass
// :overlay-props="closeOverlay(t('common.close'))" to name it. Vant's OverlayProps type lists no
// ARIA attributes, though they reach the element as attributes.
import type { OverlayProps } from 'vant'

export function closeOverlay(label: string): Partial<OverlayProps> {
  return { 'aria-label': label } as Partial<OverlayProps>
}
