import type { FeatureRoutes } from '@/router/feature'
import { useRealtime } from './realtime'
import { useMessagesStore } from './store'

export default {
  tabs: [{
    path: '/messages',
    component: () => import('./MessagesHome.vue'),
    meta: { tab: { icon: 'chat-o', label: 'shell.messages', order: 0, badge: () => useMessagesStore().totalUnread } },
  }],
  // New messages arrive (and the tab's badge counts them) wherever the person is in the app.
  inShell: () => { useRealtime() },
  pages: [
    { path: '/messages/new', component: () => import('./NewChat.vue') },
    { path: '/messages/search', component: () => import('./SearchPage.vue') },
    { path: '/messages/:cid(\\d+)', component: () => import('./ChatPage.vue') },
    { path: '/messages/:cid(\\d+)/settings', component: () => import('./GroupSettings.vue') },
  ],
} satisfies FeatureRoutes
