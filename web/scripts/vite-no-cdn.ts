// Vite plugin: Vant's icon font names a copy on a CDN (at.alicdn.com) after its inline WOFF2.
// Browsers use the inline one, but a strict CSP reports the other and an old browser would fetch
// it from a third party, handing it the reader's address. The client loads nothing from
// elsewhere, so that fallback is cut out.
import type { Plugin } from 'vite'

const CDN_FONT = /,\s*url\((?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\(["']woff["']\)/g

export function noCdnFonts(): Plugin {
  return {
    name: 'atrium-no-cdn-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!/vant[\\/].*\.css($|\?)/.test(id) || !code.includes('alicdn')) return null
      return { code: code.replace(CDN_FONT, ''), map: null }
    },
  }
}
