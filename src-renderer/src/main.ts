import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createConsoleRouter } from './router'
import { createDefaultClient, installApi } from './api/install'
import { dropTokenFromAddress } from './api/drop-token'
import './styles.css'

dropTokenFromAddress(window.location, window.history)
const app = createApp(App)
installApi(app, createDefaultClient())
app.use(createPinia())
app.use(createConsoleRouter())
app.mount('#app')
