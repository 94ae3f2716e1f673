// Every feature of the client, each a folder under src/features/ with its screens and a
// routes.ts. A new feature is a new folder and one line here.
import type { FeatureRoutes } from '@/router/feature'
import auth from './auth/routes'
import consent from './consent/routes'
import enterprise from './enterprise/routes'
import messages from './messages/routes'
import contacts from './contacts/routes'
import workbench from './workbench/routes'
import me from './me/routes'
import privacy from './privacy/routes'
import admin from './admin/routes'

export const features: FeatureRoutes[] = [auth, consent, enterprise, messages, contacts, workbench, me, privacy, admin]
