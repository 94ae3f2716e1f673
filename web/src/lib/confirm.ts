// Asks before something that cannot be undone: true when the person confirmed, false when they
// cancelled (Vant's dialog rejects on cancel, which callers need not catch).
import { showConfirmDialog, type DialogOptions } from 'vant'

export async function confirmed(options: DialogOptions): Promise<boolean> {
  try {
    await showConfirmDialog(options)
    return true
  } catch {
    return false
  }
}
