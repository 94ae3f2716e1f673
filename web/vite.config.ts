// Build, dev server and tests of the web client. The production build lands in dist/ and is
// served by atrium at /: index.html for any unknown non-API path, hashed files under /assets/.
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import { readFileSync } from 'node:fs'
import { serviceWorker } from './scripts/vite-sw'
import { noCdnFonts } from './scripts/vite-no-cdn'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

export default defineConfig({
  plugins: [
    vue(),
    // Vant components and their styles are imported where a template uses them, nothing else.
    Components({ resolvers: [VantResolver()], dts: 'src/components.d.ts', dirs: [] }),
    noCdnFonts(),
    serviceWorker(),
  ],
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  resolve: {
    alias: { '@': new URL('./src', import.meta.url).pathname },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    rollupOptions: {
      output: {
        // Vue and its router, store and i18n change rarely: one long-cached vendor file.
        manualChunks: (id) => (/node_modules\/(@vue|vue|vue-router|pinia|vue-i18n|@intlify)\//.test(id) ? 'vue' : undefined),
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
    restoreMocks: true,
    unstubGlobals: true,
    // Vant's modules import their CSS: let Vite transform them instead of Node.
    server: { deps: { inline: ['vant'] } },
  },
})
