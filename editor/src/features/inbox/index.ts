// The inbox feature's public surface: other screens (the team page) show task lists through these.
export { TaskList } from './components/TaskList';
export { useTasks, type Task } from './api/tasks';
