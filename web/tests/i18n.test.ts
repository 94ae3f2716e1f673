// Every error code of the API contract has a Chinese and an English text, and both languages
// have the same messages, each of which renders.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'
import { i18n } from '@/i18n'

const spec = parse(readFileSync(resolve(process.cwd(), '../docs/openapi.yaml'), 'utf8'))
const codes: string[] = spec.components.schemas.ErrorCode.enum
const problemFields = Object.keys(spec.components.schemas.Problem.properties)

function leaves(obj: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out[prefix + k] = v
    else Object.assign(out, leaves(v, `${prefix}${k}.`))
  }
  return out
}

describe('error codes', () => {
  it('reads the ErrorCode enum from docs/openapi.yaml', () => {
    expect(codes.length).toBeGreaterThan(50)
    expect(codes).toContain('consent_required')
  })

  it.each(codes)('%s has a Chinese and an English text', (code) => {
    const zhText = (zh.errors as Record<string, string>)[code]
    const enText = (en.errors as Record<string, string>)[code]
    expect(zhText, `zh errors.${code}`).toMatch(/[\u4e00-\u9fff]/)
    expect(enText, `en errors.${code}`).toMatch(/^[A-Z{]/)
    expect(enText).not.toMatch(/[\u4e00-\u9fff]/)
  })

  it('names no code the contract does not have', () => {
    expect(Object.keys(zh.errors).sort()).toEqual([...codes].sort())
    expect(Object.keys(en.errors).sort()).toEqual([...codes].sort())
  })

  it('interpolates only fields a problem carries', () => {
    for (const [key, text] of Object.entries({ ...leaves(zh.errors), ...leaves(en.errors) })) {
      for (const [, name] of text.matchAll(/\{(\w+)\}/g)) expect(problemFields, `${key} uses {${name}}`).toContain(name)
    }
  })
})

describe('messages', () => {
  // The shared texts merged with every feature's own (src/features/*/i18n.ts).
  const zhLeaves = leaves(i18n.global.getLocaleMessage('zh-CN'))
  const enLeaves = leaves(i18n.global.getLocaleMessage('en'))

  it("keep each feature's texts under a name of its own", () => {
    const features = Object.values(import.meta.glob<{ default: { zh: object; en: object } }>('../src/features/*/i18n.ts', { eager: true }))
    const names = features.flatMap((f) => Object.keys(f.default.zh))
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(Object.keys(zh), name).not.toContain(name)
    expect(Object.keys(zhLeaves).length).toBeGreaterThanOrEqual(Object.keys(leaves(zh)).length)
  })

  it('have the same keys in both languages', () => {
    expect(Object.keys(enLeaves).sort()).toEqual(Object.keys(zhLeaves).sort())
  })

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(zhLeaves)) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(names(enLeaves[key]), key).toEqual(names(zhLeaves[key]))
    }
  })

  it('avoid the characters vue-i18n reads as syntax, and render', () => {
    for (const [locale, all] of [['zh-CN', zhLeaves], ['en', enLeaves]] as const) {
      i18n.global.locale.value = locale
      for (const [key, text] of Object.entries(all)) {
        expect(text, key).not.toMatch(/[@|]/)
        const out = i18n.global.t(key, { n: 1, total: 2, field: 'f' })
        expect(out, key).not.toBe(key)
        expect(out.length, key).toBeGreaterThan(0)
      }
    }
    i18n.global.locale.value = 'zh-CN'
  })
})
