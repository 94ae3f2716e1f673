// The administration pages under /admin. A page's menu entry (meta.tab) is a getter that reads
// the person's rights (rights.ts, reactive), so the side menu of AdminLayout lists only the pages
// they may use and follows a change of enterprise. Each page checks again (AdminPage.vue), for
// whoever types the address.
import type { RouteComponent, RouteRecordRaw } from 'vue-router'
import type { FeatureRoutes } from '@/router/feature'
import { allowed, type Need } from './rights'

type Lazy = () => Promise<RouteComponent | { default: RouteComponent }>

function page(path: string, component: Lazy, need: Need, icon: string, label: string, order: number): RouteRecordRaw {
  return {
    path,
    component,
    meta: {
      wide: true,
      need,
      get tab() {
        return need === 'admin' && order === 0 ? { icon, label, order } : allowed(need) ? { icon, label, order } : undefined
      },
    },
  }
}

function sub(path: string, component: Lazy, need: Need): RouteRecordRaw {
  return { path, component, meta: { wide: true, need } }
}

export default {
  admin: [
    page('', () => import('./AdminHome.vue'), 'admin', 'home-o', 'admin.home', 0),
    page('enterprise', () => import('./EnterpriseProfile.vue'), 'admin', 'shop-o', 'admin.nav.enterprise', 10),
    page('departments', () => import('./DepartmentsPage.vue'), 'departments', 'cluster-o', 'admin.nav.departments', 20),
    page('members', () => import('./MembersPage.vue'), 'members', 'friends-o', 'admin.nav.members', 30),
    sub('members/:uid', () => import('./MemberDetail.vue'), 'members'),
    page('joining', () => import('./JoiningPage.vue'), 'members', 'add-o', 'admin.nav.joining', 40),
    page('import', () => import('./ImportPage.vue'), 'members', 'description', 'admin.nav.import', 50),
    page('fields', () => import('./FieldsPage.vue'), 'members', 'eye-o', 'admin.nav.fields', 60),
    page('admins', () => import('./AdminsPage.vue'), 'owner', 'manager-o', 'admin.nav.admins', 70),
    page('attendance/groups', () => import('./attendance/GroupsPage.vue'), 'attendance', 'clock-o', 'admin.nav.groups', 80),
    sub('attendance/groups/:gid', () => import('./attendance/GroupEdit.vue'), 'attendance'),
    page('attendance/calendar', () => import('./attendance/CalendarPage.vue'), 'attendance', 'calendar-o', 'admin.nav.calendar', 90),
    page('attendance/places', () => import('./attendance/PlacesPage.vue'), 'attendance', 'location-o', 'admin.nav.places', 100),
    page('attendance/review', () => import('./attendance/ReviewPage.vue'), 'attendance', 'passed', 'admin.nav.review', 110),
    page('attendance/reports', () => import('./attendance/ReportsPage.vue'), 'attendance', 'bar-chart-o', 'admin.nav.reports', 120),
  ],
} satisfies FeatureRoutes
