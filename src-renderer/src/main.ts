import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createConsoleRouter } from './router'
import { createDefaultClient, installApi } from './api/install'
import './styles.css'

const app = createApp(App)
installApi(app, createDefaultClient())
app.use(createPinia())
app.use(createConsoleRouter())
app.mount('#app')
