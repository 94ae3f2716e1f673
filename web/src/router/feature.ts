// What a feature folder adds to the router (its routes.ts): tabs of the bottom bar, pages of
// their own, and pages of the wide administration area under /admin.
import type { RouteRecordRaw } from 'vue-router'

export interface FeatureRoutes {
  /** Children of the app shell; those with meta.tab appear in the bottom bar. */
  tabs?: RouteRecordRaw[]
  /** Full-screen pages with their own header and back button. */
  pages?: RouteRecordRaw[]
  /** Children of /admin, in the wide administration layout. Paths are relative to /admin. */
  admin?: RouteRecordRaw[]
  /** Runs when the signed-in shell opens (inside its setup): what the feature keeps going in
   *  the background while the person is anywhere in the app (the messages connection). */
  inShell?: () => void
}

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without signing in. */
    public?: boolean
    /** Only for the signed-out (sign-in, sign-up): a signed-in person goes home instead. */
    guestOnly?: boolean
    /** A tab of the bottom bar: its icon (Vant icon name), i18n key of its label, and place;
     *  badge, when given, is read reactively (unread messages). */
    tab?: { icon: string; label: string; order: number; badge?: () => number }
    /** Wide desktop layout (administration) instead of the phone-width column. */
    wide?: boolean
  }
}
