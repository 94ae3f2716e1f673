// Starts the client: language, stores, the API's hooks into them, the router, the service worker.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'vant/es/toast/style'
import 'vant/es/dialog/style'
import './styles/base.css'
import App from './App.vue'
import { i18n, initLocale, currentLocale, t } from './i18n'
import { configureApi } from './api/client'
import { createAppRouter } from './router'
import { useSessionStore } from './stores/session'
import { useEnterpriseStore } from './stores/enterprise'
import { registerServiceWorker } from './pwa/register'
import { installKeyboardActivation } from './lib/keyboard'
import { showToast } from 'vant'

initLocale()
const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)

const session = useSessionStore()
const enterprises = useEnterpriseStore()
configureApi({
  token: () => session.token,
  language: () => currentLocale(),
  onUnauthorized: () => {
    session.clear()
    enterprises.clear()
    showToast(t('errors.auth_required'))
  },
})

app.use(createAppRouter())
installKeyboardActivation()
app.mount('#app')
registerServiceWorker()
