// Languages of the client: Chinese first, English second. The choice follows the browser until
// the person picks one (sign-in screen or Me tab); the pick is kept in localStorage.
import { createI18n } from 'vue-i18n'
import { Locale as VantLocale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import zh, { type MessageSchema } from './zh-CN'
import en from './en'

export const LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof LOCALES)[number]
const KEY = 'atrium.locale'

/** The saved choice, else the first browser language we speak, else Chinese. */
export function detectLocale(): AppLocale {
  const saved = localStorage.getItem(KEY)
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as AppLocale
  for (const lang of navigator.languages ?? [navigator.language]) {
    if (/^zh\b/i.test(lang)) return 'zh-CN'
    if (/^en\b/i.test(lang)) return 'en'
  }
  return 'zh-CN'
}

/**
 * A feature's own texts live beside it, in src/features/<name>/i18n.ts, under the feature's name:
 * `export default { zh: { chat: {…} }, en: { chat: {…} } }` (en typed as typeof zh, so both have
 * the same keys; tests/i18n.test.ts checks them again).  They are merged in here, so a feature
 * never edits the shared files.
 */
export interface FeatureTexts {
  zh: Record<string, unknown>
  en: Record<string, unknown>
}
const featureTexts = Object.values(
  import.meta.glob<{ default: FeatureTexts }>('../features/*/i18n.ts', { eager: true }),
).map((m) => m.default)

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': Object.assign({}, zh, ...featureTexts.map((f) => f.zh)) as MessageSchema,
    en: Object.assign({}, en, ...featureTexts.map((f) => f.en)) as MessageSchema,
  },
  missingWarn: false,
  fallbackWarn: false,
})

function apply(locale: AppLocale) {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (locale === 'en') VantLocale.use('en-US', enUS)
  else VantLocale.use('zh-CN', zhCN)
}

/** Switches the language and remembers the choice. */
export function setLocale(locale: AppLocale) {
  localStorage.setItem(KEY, locale)
  apply(locale)
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

/** Applies the saved or detected language without saving it (the person has not chosen yet). */
export function initLocale() {
  apply(detectLocale())
}

export const t = i18n.global.t
