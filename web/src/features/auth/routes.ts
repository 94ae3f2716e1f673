import type { FeatureRoutes } from '@/router/feature'

export default {
  pages: [
    { path: '/signin', component: () => import('./SignIn.vue'), meta: { public: true, guestOnly: true } },
    { path: '/signup', component: () => import('./SignUp.vue'), meta: { public: true, guestOnly: true } },
    { path: '/policy', component: () => import('./PolicyPage.vue'), meta: { public: true } },
  ],
} satisfies FeatureRoutes
