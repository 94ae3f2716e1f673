// What this browser tells the server about itself at sign-in (PP-05, account security): a random
// id kept in localStorage, the browser and the system by name. Nothing else is read.
const KEY = 'atrium.device'

declare const __APP_VERSION__: string

function browserName(ua: string): string {
  if (/Edg\//.test(ua)) return 'Edge'
  if (/MicroMessenger/.test(ua)) return 'WeChat'
  if (/Firefox\//.test(ua)) return 'Firefox'
  if (/Chrome\//.test(ua)) return 'Chrome'
  if (/Safari\//.test(ua)) return 'Safari'
  return 'Browser'
}

function osName(ua: string): string {
  if (/Android/.test(ua)) return 'Android'
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS'
  if (/HarmonyOS/.test(ua)) return 'HarmonyOS'
  if (/Windows/.test(ua)) return 'Windows'
  if (/Mac OS X/.test(ua)) return 'macOS'
  if (/Linux/.test(ua)) return 'Linux'
  return ''
}

export function deviceId(): string {
  let id = localStorage.getItem(KEY)
  if (!id) {
    id = 'web-' + crypto.randomUUID()
    localStorage.setItem(KEY, id)
  }
  return id
}

export function deviceInput() {
  const ua = navigator.userAgent
  return { id: deviceId(), model: `${browserName(ua)} (web)`, os: osName(ua), app_version: `web ${__APP_VERSION__}` }
}
