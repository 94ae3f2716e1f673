// Vite plugin: writes dist/sw.js from src/pwa/sw.js with this build's id and the files of the
// app shell to keep offline. Each build has its own cache name, so a new one replaces the old.
import type { Plugin } from 'vite'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'

const STATIC = ['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png']

export function serviceWorker(): Plugin {
  return {
    name: 'atrium-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle).filter((name) => name.startsWith('assets/')).sort()
      const shell = [...STATIC, ...assets.map((name) => '/' + name)]
      const build = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12)
      const template = readFileSync(new URL('../src/pwa/sw.js', import.meta.url), 'utf8')
      const source = template.replace("'__BUILD__'", JSON.stringify(build)).replace('[/* __SHELL__ */]', JSON.stringify(shell))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}
