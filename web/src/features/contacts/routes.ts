import type { FeatureRoutes } from '@/router/feature'

export default {
  tabs: [{ path: '/contacts', component: () => import('./ContactsHome.vue'), meta: { tab: { icon: 'friends-o', label: 'shell.contacts', order: 1 } } }],
  pages: [
    { path: '/contacts/external', component: () => import('./ExternalList.vue') },
    { path: '/contacts/external/new', component: () => import('./ExternalForm.vue') },
    { path: '/contacts/external/:cid(\\d+)', component: () => import('./ExternalDetail.vue') },
    { path: '/contacts/external/:cid(\\d+)/edit', component: () => import('./ExternalForm.vue') },
  ],
} satisfies FeatureRoutes
