// The applications of the workbench, in order. A new module is one entry here: its icon (a Vant
// icon name), the i18n key of its label, where it opens, and the colour of its tile.
export interface Tile {
  key: string
  icon: string
  label: string
  to: string
  color: string
}

export const tiles: Tile[] = [
  { key: 'attendance', icon: 'location-o', label: 'workbench.tiles.attendance', to: '/workbench/attendance', color: '#1d57d8' },
  { key: 'month', icon: 'calendar-o', label: 'workbench.tiles.month', to: '/workbench/attendance/month', color: '#0f7b3f' },
  { key: 'makeups', icon: 'records-o', label: 'workbench.tiles.makeups', to: '/workbench/attendance/makeups', color: '#a64b00' },
]
